"""The voice text pipeline: plain Python with no Django import, so a Spark or batch job can use it too."""
