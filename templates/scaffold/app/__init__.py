"""The service: API (app.main), fan-out worker (app.worker) and the code they share."""
