"""The program itself: pure Python, no Qt. The GUI and the CLI only call into it."""
