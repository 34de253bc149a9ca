"""The cases the answer rule is held to, in Python (tests/interact/test_answer_rule.py) and in the site's
script (tests/browser/test_answer_rule.py): both must read and judge every one of them alike, and as here.

These are cases of the rule (cnnviz.interact.exercises.feedback), not of any exercise: the expected values
of the judging cases are made-up numbers.
"""

from __future__ import annotations

# (typed, unit of the answer, answer is whole, value read) — read, and to this value
READ = [
    ("51200", "", True, 51200),
    ("51,200", "", True, 51200),
    ("51 200", "", True, 51200),
    ("51\u202f200", "", True, 51200),  # a narrow no-break space, as some locales group
    ("51_200", "", True, 51200),
    ("51.2k", "", True, 51200),
    ("51.2K", "", True, 51200),
    ("51.2 thousand", "", True, 51200),
    ("1.2M", "", True, 1_200_000),
    ("445.6M", "", True, 445_600_000),
    ("0.45G", "", True, 450_000_000),
    ("1.2e6", "", True, 1_200_000),
    ("1.2E+6", "", True, 1_200_000),
    ("1.2×10^6", "", True, 1_200_000),
    ("1.2 x 10**6", "", True, 1_200_000),
    ("1.2·10⁶", "", True, 1_200_000),
    ("4.5×10⁻⁸", "", False, 4.5e-8),
    ("-3", "", True, -3),
    ("−3", "", True, -3),  # the minus sign
    ("+3", "", True, 3),
    ("0.5", "", False, 0.5),
    (".5", "", False, 0.5),
    ("116.", "", True, 116),
    ("  116\t", "", True, 116),
    ("１１６", "", True, 116),  # fullwidth digits
    ("51,200.5", "", False, 51200.5),
    ("0.745", "", False, 0.745),
    ("44.37%", "", False, 0.4437),
    ("116 px", "px", True, 116),
    ("116px", "px", True, 116),
    ("116 Pixels", "px", True, 116),
    ("33.5 MB", "B", True, 33_500_000),
    ("2 MiB", "B", True, 2_097_152),
    ("1.5 KiB", "B", True, 1536),
    ("512 bytes", "B", True, 512),
]

# (typed, unit, whole, what the refusal says to type) — refused, naming what to type
REFUSED = [
    ("", "", True, "type a number, e.g. 51200"),
    ("   ", "", True, "type a number"),
    ("51.200", "", True, "type 51200 (or 51,200) for the first, 51.2 for the second"),
    ("1.000", "", True, "type 1000 (or 1,000) for the first, 1 for the second"),
    ("445.644.800", "", True, "type 445644800 or 445,644,800"),
    ("1,16", "", True, "type a point: 1.16; without it: 116"),
    ("0,5", "", False, "type a point: 0.5."),
    ("1.234,5", "", False, "1234.5"),
    ("1,23,456", "", True, "without separators: 123456"),
    ("1 2", "", True, "without separators: 12"),
    ("1,234 567", "", True, "without separators: 1234567"),
    ("3.141 59", "", False, "before the point only: 3.14159"),
    ("12 apples", "", True, "type the number alone, without “apples”: 12"),
    ("51,200 params", "", True, "without “params”: 51,200"),
    ("116 px", "", True, "without “px”: 116"),  # an answer that is not in pixels
    ("33.5 MB", "", True, "not a size in bytes; type the number alone, without “MB”: 33.5"),
    ("33.5 KB", "B", True, "type kB (1000) or KiB (1024)"),
    ("116%", "", True, "not a percentage: type it without %, e.g. 116"),
    ("1.2.3", "", True, "at most one decimal point"),
    ("abc", "", True, "type digits, e.g. 51200"),
    ("1.2m", "", True, "type M for million"),
    ("1e3k", "", True, "give the power of ten once"),
    ("10^6", "", True, "write a power of ten as 1e6"),
    ("1e999", "", True, "too large to read"),
    ("--3", "", True, "type digits"),
]

# (typed, expected, relative tolerance, answer is whole, verdict)
JUDGED = [
    ("445,644,800", 445_644_800, 0.0, True, "right"),
    ("445 644 800", 445_644_800, 0.0, True, "right"),
    ("445644800.0", 445_644_800, 0.0, True, "right"),
    ("445.6M", 445_644_800, 0.0, True, "close"),  # four figures, off by 44,800 < 50,000
    ("445.7M", 445_644_800, 0.0, True, "wrong"),
    ("4.456e8", 445_644_800, 0.0, True, "close"),
    ("4.5e8", 445_644_800, 0.0, True, "close"),  # two figures: the least that is ever close
    ("4e8", 445_644_800, 0.0, True, "wrong"),  # one figure is never close
    ("445,644,801", 445_644_800, 0.0, True, "wrong"),  # every figure typed, one off
    ("4.254925e8", 425_492_480, 0.0, True, "close"),  # a calculator's display
    ("51.2k", 51_234, 0.0, True, "close"),
    ("51200", 51_234, 0.0, True, "wrong"),  # five figures typed, and 51,200 is not 51,234 to five
    ("51.2k", 51_200, 0.0, True, "right"),
    ("120", 116, 0.0, True, "wrong"),
    ("-5", 7, 0.0, True, "wrong"),
    ("0.4437", 0.44370000000000004, 0.001, False, "right"),
    ("44.37%", 0.44370000000000004, 0.001, False, "right"),
    ("0.44", 0.44370000000000004, 0.001, False, "close"),
    ("0.45", 0.44370000000000004, 0.001, False, "wrong"),
    ("43.55", 43.54999999999996, 0.001, False, "right"),
    ("43.5", 43.54999999999996, 0.001, False, "close"),
    ("43.6", 43.54999999999996, 0.001, False, "close"),  # a tie: either rounding of 43.55 is close
    ("4.5e-8", 4.496428e-08, 0.02, False, "right"),
    ("4.4e-8", 4.496428e-08, 0.02, False, "wrong"),
    ("51.200", 51_200, 0.0, True, "unread"),
]
