"""The Textual front end: the app, its screens and widgets (the only package that draws).

It reads the same workspace the CLI does and writes changes through the progress store;
no rule of the domain lives here.
"""
