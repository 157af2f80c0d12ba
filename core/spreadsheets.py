"""Text written to CSV files that people open in spreadsheets."""

# Spreadsheets run cells starting with these as formulas (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(text: str) -> str:
    """Return the text so that a spreadsheet shows it instead of running it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
