"""问需于职工、问计于职工: workers' demands, the issues they form, reports up and answers back down.

Only the text pipeline exists so far (`gonghui.voice.pipeline`); the Django app comes next."""
