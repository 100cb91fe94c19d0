"""问需于职工、问计于职工: workers' demands, the issues they form, reports up and answers back down.

`pipeline/` is plain Python (no Django) so batch engines can import it; the rest is the Django app."""
