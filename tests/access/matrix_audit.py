from tests.access.spec import Case, roles

CASES = [
    Case("audit:list", roles(404, admin=200)),
    Case("audit:list", roles(404, admin=200), query="?hanh_dong=read&tu_ngay=01/01/2026", label="filtered"),
]
