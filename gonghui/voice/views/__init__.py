"""Pages of the voice loop: thin — parse the request, call a service or selector, render."""
