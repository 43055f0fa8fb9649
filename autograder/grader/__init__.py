"""Grader-side hidden tests: verdicts computed outside the student's kernel, from plain data.

- `autograder.grader.kernel_side`: the code sent to a student's kernel to answer requests;
- `autograder.grader.plain`: what crosses the boundary, and how the grader reads it strictly;
- `autograder.grader.submission`: what a hidden test sees (`Submission`, remote functions);
- `autograder.grader.source`: ownership rules, checked on the submitted source;
- `autograder.grader.registry`: a lab's hidden tests, loaded from labs/hidden/<lab>.py;
- `autograder.grader.verdict`: a hidden test's result as a test cell's outputs.
"""

from autograder.grader.submission import Submission, hidden_test

__all__ = ["Submission", "hidden_test"]
