"""Phase 0, discover: which files, which folder, which name, which variables."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrate_tui.errors import DiscoveryError, EnvFileError
from tests.compose.conftest import load, service, write_files

WEB = "services:\n  web:\n    image: {image}\n"


def test_compose_yaml_is_preferred_over_docker_compose_yml(tmp_path: Path) -> None:
    write_files(tmp_path, {"compose.yaml": WEB.format(image="new"),
                           "docker-compose.yml": WEB.format(image="old")})
    warnings: list[str] = []
    project = load(tmp_path, warnings=warnings)
    assert project.services["web"].image == "new"
    assert project.files == [str(tmp_path / "compose.yaml")]
    assert any("Found multiple config files" in w for w in warnings)


def test_the_override_file_is_picked_up(tmp_path: Path) -> None:
    write_files(tmp_path, {"compose.yaml": WEB.format(image="base"),
                           "compose.override.yaml": "services:\n  web:\n    user: dev\n"})
    project = load(tmp_path)
    assert project.files == [str(tmp_path / "compose.yaml"),
                             str(tmp_path / "compose.override.yaml")]
    assert service(project, "web")["user"] == "dev"


def test_files_are_found_in_a_parent_folder(tmp_path: Path) -> None:
    write_files(tmp_path, {"compose.yaml": WEB.format(image="nginx")})
    (tmp_path / "src" / "deep").mkdir(parents=True)
    project = load(tmp_path / "src" / "deep", path=None)
    assert project.working_dir == str(tmp_path)


def test_f_files_skip_the_override_file(tmp_path: Path) -> None:
    write_files(tmp_path, {"compose.yaml": WEB.format(image="base"),
                           "compose.override.yaml": "services:\n  web:\n    user: dev\n",
                           "prod.yaml": "services:\n  web:\n    image: prod\n"})
    project = load(tmp_path, files=("compose.yaml", "prod.yaml"))
    assert service(project, "web") .get("user") is None
    assert service(project, "web")["image"] == "prod"


@pytest.mark.parametrize(("value", "separator", "image"), [
    ("a.yaml:b.yaml", None, "b"),
    ("b.yaml;a.yaml", ";", "a"),
])
def test_compose_file_variable_with_path_separator(
    tmp_path: Path, value: str, separator: str | None, image: str
) -> None:
    write_files(tmp_path, {"a.yaml": WEB.format(image="a"), "b.yaml": WEB.format(image="b"),
                           "compose.yaml": WEB.format(image="default")})
    env = {"COMPOSE_FILE": value}
    if separator:
        env["COMPOSE_PATH_SEPARATOR"] = separator
    project = load(tmp_path, env=env, path=None)
    assert project.services["web"].image == image
    assert len(project.files) == 2


def test_compose_file_can_come_from_dotenv(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.yaml": WEB.format(image="a"),
                           "compose.yaml": WEB.format(image="default"),
                           ".env": "COMPOSE_FILE=a.yaml\n"})
    assert load(tmp_path, path=None).services["web"].image == "a"


def test_project_directory_moves_relative_paths_and_dotenv(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "deploy/compose.yaml": "services:\n  web:\n    image: app:${TAG}\n"
                               "    volumes: [./data:/data]\n",
        "deploy/.env": "TAG=deploy-folder\n",
        ".env": "TAG=project-folder\n",
    })
    project = load(tmp_path, files=("deploy/compose.yaml",), project_directory=".")
    web = service(project, "web")
    assert project.working_dir == str(tmp_path)
    assert web["image"] == "app:project-folder"
    assert web["volumes"][0]["source"] == str(tmp_path / "data")


def test_project_name_is_normalized_from_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "My_App.v2"
    write_files(folder, {"compose.yaml": WEB.format(image="nginx")})
    project = load(folder)
    assert project.name == "my_appv2"
    assert project.compose["networks"]["default"]["name"] == "my_appv2_default"


def test_project_name_from_p_then_variable_then_file(tmp_path: Path) -> None:
    write_files(tmp_path, {"compose.yaml": "name: from-file\n" + WEB.format(image="nginx")})
    assert load(tmp_path).name == "from-file"
    assert load(tmp_path, env={"COMPOSE_PROJECT_NAME": "from-env"}).name == "from-env"
    assert load(tmp_path, env={"COMPOSE_PROJECT_NAME": "from-env"},
                project_name="from-flag").name == "from-flag"


def test_an_invalid_project_name_is_refused(tmp_path: Path) -> None:
    write_files(tmp_path, {"compose.yaml": WEB.format(image="nginx")})
    with pytest.raises(DiscoveryError, match="invalid project name 'My App'"):
        load(tmp_path, project_name="My App")


def test_dotenv_is_read_and_the_process_environment_wins(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "compose.yaml": "services:\n  web:\n    image: app:${TAG}\n"
                        "    environment:\n      MODE: ${MODE}\n",
        ".env": "TAG=from-dotenv\nMODE=from-dotenv\n",
    })
    web = service(load(tmp_path, env={"MODE": "from-shell"}), "web")
    assert web["image"] == "app:from-dotenv"
    assert web["environment"]["MODE"] == "from-shell"


def test_env_file_flag_replaces_dotenv(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "compose.yaml": "services:\n  web:\n    image: app:${TAG:-none}\n"
                        "    labels: {other: '${OTHER:-unset}'}\n",
        ".env": "TAG=from-dotenv\nOTHER=from-dotenv\n",
        "prod.env": "TAG=from-prod\n",
    })
    web = service(load(tmp_path, env_files=("prod.env",)), "web")
    assert web["image"] == "app:from-prod"
    assert web["labels"]["other"] == "unset"


def test_no_compose_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="no compose file found"):
        load(tmp_path)


def test_a_missing_f_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError) as caught:
        load(tmp_path, files=("nope.yaml",))
    assert caught.value.file == str(tmp_path / "nope.yaml")


def test_a_missing_env_file_flag_is_a_clear_error(tmp_path: Path) -> None:
    write_files(tmp_path, {"compose.yaml": WEB.format(image="nginx")})
    with pytest.raises(DiscoveryError) as caught:
        load(tmp_path, env_files=("nope.env",))
    assert caught.value.file == str(tmp_path / "nope.env")


def test_a_compose_yaml_that_is_a_folder_is_named_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").mkdir()  # as Compose: found, then "is a directory"
    write_files(tmp_path, {"docker-compose.yml": WEB.format(image="nginx")})
    with pytest.raises(DiscoveryError) as caught:
        load(tmp_path)
    message = caught.value.render()
    assert "compose.yaml" in message and "a folder" in message
    assert "no compose file found" not in message


def test_a_compose_file_named_with_f_that_is_a_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "conf.yaml").mkdir()
    with pytest.raises(DiscoveryError) as caught:
        load(tmp_path, files=("conf.yaml",))
    assert "a folder" in caught.value.message and "not found" not in caught.value.message


def test_a_dotenv_folder_is_not_an_env_file(tmp_path: Path) -> None:
    write_files(tmp_path, {"compose.yaml": WEB.format(image="${IMAGE:-nginx}")})
    (tmp_path / ".env").mkdir()  # python -m venv .env: Compose ignores it too
    assert service(load(tmp_path), "web")["image"] == "nginx"


def test_a_dotenv_pipe_is_an_error_not_a_hang(tmp_path: Path) -> None:
    write_files(tmp_path, {"compose.yaml": WEB.format(image="nginx")})
    os.mkfifo(tmp_path / ".env")
    with pytest.raises(EnvFileError) as caught:
        load(tmp_path)
    assert "named pipe" in caught.value.message
    assert caught.value.file == str(tmp_path / ".env")
