"""The released exercise handed in without any change: every answer cell still raises.

expect: zero
base: release
"""
