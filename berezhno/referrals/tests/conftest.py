from berezhno.cases.tests.conftest import family, other_partner  # noqa: F401  (fixtures)
