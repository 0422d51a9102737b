"""The column types of the search document stored on the listing row (R-S1).

They live with the listing table because its migrations name them; the search app
(`search.index`) is the only writer of these columns. A `tsvector` column on PostgreSQL,
plain text elsewhere (the embedded SQLite default leaves it empty and searches in Python,
see `search.selectors`)."""

from django.db import models

# Bits of the lexeme signature (`search.tokenize.lexemes_signature`): the column type is
# declared here, so its width is too.
SIGNATURE_BITS = 512


class TsVectorField(models.Field):
    description = "PostgreSQL tsvector (search document, R-S1)"

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_placeholder(self, value, compiler, connection):
        # The value is a tsvector literal built in Python (search.tokenize).
        return "%s::tsvector" if connection.vendor == "postgresql" else "%s"


class SignatureField(models.Field):
    """PostgreSQL `bit(512)`: the document's lexeme signature (`tokenize.lexemes_signature`);
    plain text elsewhere, left empty."""

    description = "PostgreSQL bit string (search signature, R-S1)"

    def db_type(self, connection):
        return f"bit({SIGNATURE_BITS})" if connection.vendor == "postgresql" else "text"

    def get_placeholder(self, value, compiler, connection):
        return f"%s::bit({SIGNATURE_BITS})" if connection.vendor == "postgresql" else "%s"
