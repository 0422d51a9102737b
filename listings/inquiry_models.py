"""Inquiries (询盘), quotations on buy leads, views, favourites and reports (R-I1, R-M3.1, R-L5).

Imported at the bottom of listings/models.py so Django registers them with the app.
"""
