"""The suite itself: it runs offline and on the database CI asked for."""

import os
import socket

import pytest
from django.db import connection


def test_outbound_network_is_refused(pytestconfig):
    """SEC-05: the suite runs with outbound sockets refused except loopback (pytest-socket)."""
    from pytest_socket import SocketConnectBlockedError

    assert pytestconfig.getoption("allow_hosts"), "pytest-socket --allow-hosts is not configured"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(SocketConnectBlockedError):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: blocked in-process before any packet is sent


@pytest.mark.django_db
def test_runs_on_the_database_named_by_database_url():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
