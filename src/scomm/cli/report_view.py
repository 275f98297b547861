"""Rich tables and a PNG chart for the statistics (the presentation edge)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from scomm.policy.levels import Level
from scomm.stats import MonthlyRow, by_jurisdiction, totals


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def monthly_table(rows: list[MonthlyRow], names: dict[str, str], title: str) -> Table:
    t = Table(title=title, title_justify="left", header_style="bold",
              caption="Removals by the level of the person's convictions at the time of the decision; "
                      "'None' = no criminal conviction at all.", caption_justify="left")
    for col in ("Jurisdiction", "Month", "Bookings", "Imm. searched", "Matches", "IAQs", "Detainers",
                "Removed", "L1", "L2", "L3", "None", "None %"):
        t.add_column(col, justify="left" if col in ("Jurisdiction", "Month") else "right", no_wrap=True)
    for r in [*rows, *by_jurisdiction(rows).values(), totals(rows)]:
        lv = r.removals_by_level
        t.add_row(names.get(r.fips, r.fips), r.month, str(r.submissions), str(r.immigration_searches),
                  str(r.matches), str(r.iaqs), str(r.detainers), str(r.removals), str(lv[Level.LEVEL_1]),
                  str(lv[Level.LEVEL_2]), str(lv[Level.LEVEL_3]), str(lv[Level.NON_CRIMINAL]),
                  _pct(r.removals_without_conviction_share),
                  end_section=r.month == "total" and r.fips != "all")
    return t


def comparison_table(results: dict[str, list[MonthlyRow]], notes: dict[str, str]) -> Table:
    t = Table(title="Who was affected, per policy (the whole year)", title_justify="left", header_style="bold")
    t.add_column("Policy")
    for col in ("Matches", "Detainers", "Removed", "L1", "L2", "L3", "None", "None %", "U.S. citizens matched",
                "Note"):
        t.add_column(col, justify="right" if col != "Note" else "left", no_wrap=col != "Note")
    for ref, rows in results.items():
        tot = totals(rows)
        lv = tot.removals_by_level
        t.add_row(ref, str(tot.matches), str(tot.detainers), str(tot.removals), str(lv[Level.LEVEL_1]),
                  str(lv[Level.LEVEL_2]), str(lv[Level.LEVEL_3]), str(lv[Level.NON_CRIMINAL]),
                  _pct(tot.removals_without_conviction_share), str(tot.matched_us_citizens), notes.get(ref, ""))
    return t


def removals_chart(results: dict[str, list[MonthlyRow]], path: Path) -> Path:
    """Removals per month by level, one panel per policy: the gap between target and outcome, visible."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {Level.LEVEL_1: "#b2182b", Level.LEVEL_2: "#ef8a62", Level.LEVEL_3: "#fddbc7",
              Level.NON_CRIMINAL: "#67a9cf"}
    fig, axes = plt.subplots(1, len(results), figsize=(6 * len(results), 4), sharey=True, squeeze=False)
    for ax, (ref, rows) in zip(axes[0], results.items()):
        months = sorted({r.month for r in rows})
        by_month = {m: totals([r for r in rows if r.month == m], month=m) for m in months}
        bottom = [0] * len(months)
        for lv in Level:
            vals = [by_month[m].removals_by_level[lv] for m in months]
            ax.bar([m[5:] for m in months], vals, bottom=bottom, color=colors[lv], label=lv.label)
            bottom = [a + b for a, b in zip(bottom, vals)]
        ax.set_title(f"Removals by level under {ref}")
        ax.set_xlabel("month of arrest")
    axes[0][0].set_ylabel("people removed")
    axes[0][-1].legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def print_tables(console: Console, *tables: Table) -> None:
    for t in tables:
        console.print(t)
        console.print()
