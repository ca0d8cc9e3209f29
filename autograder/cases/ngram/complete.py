"""The reference solution, unchanged: every test passes.

expect: full
base: solution
"""
