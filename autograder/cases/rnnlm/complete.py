"""The reference solution: every answer cell as in the source notebook.

expect: full
base: solution
"""
