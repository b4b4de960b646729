"""Real-editor tests: slow (seconds per scenario), deselect with ``-m "not e2e"``."""


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives a real editor (VS Code via code-server)")
