"""The release handed in untouched: every function still raises NotImplementedError.

expect: zero
base: release
"""
