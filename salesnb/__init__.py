"""salesnb: parameterised Jupyter workbooks that explain a month's sales by region."""

__version__ = "0.1.0"
