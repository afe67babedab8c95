"""Questionnaires: built by moderators and working groups, answered by members, analysed."""
