"""ANSI/NIST-ITL transactions (traditional encoding): read, write, map to bookings, answer."""
