"""Evaluation of the question-answering pipeline over question/answer sets."""
