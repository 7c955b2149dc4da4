"""Docker does not run here: the compose file is checked by reading it against the settings."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_web_workers_beat_database_redis_and_mail_catcher():
    services = compose()["services"]
    assert set(services) == {
        "web",
        "worker",
        "worker-sweeps",
        "beat",
        "db",
        "redis",
        "mailcatcher",
        "minio",
        "minio-createbucket",
        "clamav",
    }
    assert "gunicorn safetyteams.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A safetyteams worker")
    assert services["worker-sweeps"]["command"].startswith("celery -A safetyteams worker")
    assert services["beat"]["command"].startswith("celery -A safetyteams beat")


def _queues(command: str) -> set[str]:
    match = re.search(r"(?:--queues|-Q)[ =](\S+)", command)
    return set(match.group(1).split(",")) if match else {"celery"}


def test_every_routed_queue_has_a_worker_and_the_sweep_has_one_of_its_own(settings):
    services = compose()["services"]
    consumed = {name: _queues(services[name]["command"]) for name in ("worker", "worker-sweeps")}
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {"celery"} <= consumed["worker"] | consumed["worker-sweeps"]
    # Hung e-mails occupy their worker's processes; the sweep's worker takes no e-mail.
    assert settings.CELERY_TASK_ROUTES["workflows.sweep"]["queue"] == "sweeps"
    assert consumed["worker-sweeps"] == {"sweeps"}
    assert "sweeps" not in consumed["worker"]
    assert {"mail", "celery"} <= consumed["worker"]


def test_compose_keeps_exactly_one_beat():
    beat = compose()["services"]["beat"]
    assert beat["deploy"]["replicas"] == 1
    assert beat["container_name"], "a fixed container name makes compose refuse to scale beat"


def test_every_variable_compose_sets_is_read_by_the_settings():
    settings_text = (ROOT / "safetyteams" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\("([A-Z0-9_]+)"', settings_text))
    for name in ("web", "worker", "worker-sweeps", "beat"):
        service = compose()["services"][name]
        assert service["env_file"] == ".env"
        assert set(service["environment"]) <= read, set(service["environment"]) - read
    lines = [line for line in (ROOT / ".env.example").read_text().splitlines() if not line.startswith("#")]
    example = {line.split("=")[0] for line in lines if "=" in line}
    assert example - {"POSTGRES_PASSWORD"} <= read, example - read


def test_the_app_services_use_postgres_and_redis_from_compose():
    env = compose()["services"]["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert env["DEBUG"] == "false"


def test_compose_refuses_to_start_without_the_three_secrets():
    raw = (ROOT / "docker-compose.yml").read_text()
    env = compose()["services"]["web"]["environment"]
    for name in ("SECRET_KEY", "PSEUDONYM_SECRET", "ACCESS_LOG_KEY"):
        assert env[name] == f"${{{name}:?set {name} in .env}}", name
        assert f"{name}: ${{{name}:?" in raw


def test_documents_go_to_the_object_store_whose_bucket_is_created_on_start_and_are_scanned_by_clamd():
    services = compose()["services"]
    env = services["web"]["environment"]
    assert env["DOCUMENT_STORAGE"] == "s3" and env["DOCUMENT_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert env["DOCUMENT_SCANNER"] == "cases.documents.scanning.ClamdScanner" and env["CLAMD_HOST"] == "clamav"
    assert services["web"]["depends_on"]["minio-createbucket"]["condition"] == "service_completed_successfully"
    create = services["minio-createbucket"]
    assert create["depends_on"]["minio"]["condition"] == "service_healthy"
    assert "mc mb --ignore-existing" in create["entrypoint"] and "mc anonymous set none" in create["entrypoint"]
    assert create["environment"]["BUCKET"] == env["DOCUMENT_S3_BUCKET"]
    assert "ports" not in services["minio"], "the object store stays inside the compose network"


def test_the_web_service_and_the_load_test_run_gunicorn_with_the_one_settings_file():
    from gunicorn.config import Config

    command = compose()["services"]["web"]["command"]
    # No option on the command line: what the load test measures is what compose runs.
    assert command[command.index("gunicorn ") :].rstrip('"').split() == [
        "gunicorn",
        "safetyteams.wsgi:application",
        "--config",
        "gunicorn.conf.py",
    ]
    load_test = (ROOT / "benchmarks" / "load_test.py").read_text()
    assert 'str(ROOT / "gunicorn.conf.py")' in load_test and '"--workers"' not in load_test
    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - the repository's own file
    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)  # gunicorn's own validation of each setting
    assert config.worker_class_str == "sync" and config.workers >= 2
    assert config.preload_app and config.timeout == 60 and config.accesslog == "-"
    assert config.bind == ["0.0.0.0:8000"]
