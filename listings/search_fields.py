"""A `tsvector` column on PostgreSQL, plain text elsewhere (the embedded SQLite default
leaves it empty and searches in Python, see `listings.search`)."""

from django.db import models


class TsVectorField(models.Field):
    description = "PostgreSQL tsvector (search document, R-S1)"

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_placeholder(self, value, compiler, connection):
        # The value is a tsvector literal built in Python (listings.tokenize).
        return "%s::tsvector" if connection.vendor == "postgresql" else "%s"


class SignatureField(models.Field):
    """PostgreSQL `bit(512)`: the document's lexeme signature (`tokenize.lexemes_signature`);
    plain text elsewhere, left empty."""

    description = "PostgreSQL bit string (search signature, R-S1)"

    def db_type(self, connection):
        from .tokenize import SIGNATURE_BITS

        return f"bit({SIGNATURE_BITS})" if connection.vendor == "postgresql" else "text"

    def get_placeholder(self, value, compiler, connection):
        from .tokenize import SIGNATURE_BITS

        return f"%s::bit({SIGNATURE_BITS})" if connection.vendor == "postgresql" else "%s"
