from tests.access.spec import Case, everyone

CASES = [
    Case("home", everyone(200)),
    Case("logout", everyone(302), method="post"),
    Case("password_change", everyone(200)),
]
