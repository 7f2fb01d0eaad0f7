"""Local stand-ins for the external services the product talks to, started by the tests on
free ports of 127.0.0.1: each implements the provider's published requests, answers and
errors, so the client is exercised for real and nothing leaves the machine."""
