"""The security checks besides injection: each finds its problem, shows the safe form, and stays
quiet on it."""

import pytest

from labkit.sim.replies.reader.review import review
from tests.sim.replies.reader.samples import CLEAN, src


def found(code, kind):
    return [f for f in review(src(code)) if f.kind == kind]


@pytest.mark.parametrize(
    ("code", "kind", "advice"),
    [
        ("def calc(expr):\n    return eval(expr)", "eval-injection", "`ast.literal_eval`"),
        ("def run(code):\n    exec(code)", "eval-injection", "dict"),
        (
            "import pickle\ndef load(blob):\n    return pickle.loads(blob)",
            "unsafe-deserialisation",
            "JSON",
        ),
        (
            "from pickle import load\ndef f(fh):\n    return load(fh)",
            "unsafe-deserialisation",
            "JSON",
        ),
        (
            "import yaml\ndef f(text):\n    return yaml.load(text)",
            "unsafe-deserialisation",
            "`yaml.safe_load(...)`",
        ),
        (
            "import yaml\ndef f(text):\n    return yaml.load(text, Loader=yaml.FullLoader)",
            "unsafe-deserialisation",
            "`!!python/object`",
        ),
        (
            "import yaml\ndef f(t):\n    return yaml.unsafe_load(t)",
            "unsafe-deserialisation",
            "safe_load",
        ),
    ],
)
def test_eval_exec_pickle_and_unsafe_yaml(code, kind, advice):
    (finding,) = found(code, kind)
    assert advice in finding.message


@pytest.mark.parametrize(
    "code",
    [
        'x = eval("1 + 2")',
        "import ast\ndef f(s):\n    return ast.literal_eval(s)",
        "import yaml\ndef f(fh):\n    return yaml.safe_load(fh)",
        "import yaml\ndef f(fh):\n    return yaml.load(fh, Loader=yaml.SafeLoader)",
        "import yaml\ndef f(fh):\n    return yaml.load(fh, yaml.CSafeLoader)",
        "def eval(x):\n    return x\n\ny = eval(z)",  # their own `eval`
    ],
)
def test_loading_stays_quiet_on_the_safe_forms(code):
    assert [f for f in review(code) if f.kind in ("eval-injection", "unsafe-deserialisation")] == []


def test_turning_off_certificate_checks():
    (finding,) = found(
        "import requests\ndef f(url):\n    return requests.get(url, verify=False, timeout=5)",
        "tls-verify-disabled",
    )
    assert finding.line == 3 and "certificate" in finding.message
    assert found("import requests\nr = requests.get(u, timeout=5)", "tls-verify-disabled") == []
    assert found("check(data, verify=False)", "tls-verify-disabled") == []  # not an HTTP call


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ('API_KEY = "sk-live-1234567890abcdef"', 1),
        ('password = "hunter2"', 1),
        ('class Db:\n    def __init__(self):\n        self.password = "hunter2"', 3),
        ('conn = connect(host="db", password="s3cret!")', 1),
        ('config = {"api_key": "abcd1234efgh"}', 1),
        ('SECRET_KEY: str = "django-insecure-x9"', 1),
    ],
)
def test_hard_coded_secrets_are_named_without_repeating_them(code, line):
    (finding,) = found(code, "hardcoded-secret")
    assert finding.line == line
    assert "os.environ[" in finding.message
    for secret in ("sk-live", "hunter2", "s3cret", "abcd1234", "insecure-x9"):
        assert secret not in finding.message  # a review must not spread the secret further


@pytest.mark.parametrize(
    "code",
    [
        'password = ""',
        'PASSWORD_FIELD = "password"',
        'token_url = "https://example.com/oauth/token"',
        'TOKEN = "token"',
        'password_prompt = "Password: "',
        'prompt = "Enter your password:"',
        'password = "Enter your password"',
        'API_KEY = os.environ["API_KEY"]',
        'env_name = "DB_PASSWORD"\npassword = "DB_PASSWORD"',
        'token = "<your token here>"',
        'headers = {"token_type": "bearer", "grant_type": "password"}',
        'options = {"upgrade_token": "upgrades"}',
        'SIM_API_KEY = "sk-simulator-not-a-real-key"',
        'import pytest\ndef test_login():\n    assert login("me", password="not-a-real-one")',
        'def test_login():\n    password = "made-up"\n    assert login("me", password)',
    ],
)
def test_secrets_stay_quiet_on_labels_prompts_environment_and_tests(code):
    assert found(code, "hardcoded-secret") == []


def test_random_for_tokens_but_not_for_games():
    code = """
        import random
        import string

        def make_token(n=16):
            return "".join(random.choice(string.ascii_letters) for _ in range(n))

        def pick_colour(colours):
            return random.choice(colours)

        reset_password = str(random.randint(100000, 999999))
    """
    findings = found(code, "insecure-random")
    assert [f.line for f in findings] == [5, 10]
    assert "`secrets`" in findings[0].message and "what `make_token` returns" in findings[0].message
    assert found("import secrets\ntoken = secrets.token_urlsafe(16)", "insecure-random") == []
    safe = "import random\ndef make_token():\n    return random.SystemRandom().choice('ab')"
    assert found(safe, "insecure-random") == []


def test_security_findings_come_before_the_others():
    code = (
        "def f(cursor, name, unused):\n    cursor.execute(f\"DELETE FROM t WHERE n = '{name}'\")\n"
    )
    kinds = [f.kind for f in review(code)]
    assert kinds == ["sql-injection", "unused-parameter"]


def test_the_clean_sample_has_no_security_findings():
    assert review(CLEAN) == []
