"""autograder: the instructor side of the course (the `course` command around nbgrader)."""

__version__ = "0.1.0"
