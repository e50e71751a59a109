"""giamsat: plan implementation, supervision and child-protection cases for Vietnamese provinces."""

__version__ = "0.1.0"
