"""Operations (issue 16): what staff and the machines that watch the site need to run it, and
nothing any other app needs: tasks that failed for good (recorded, shown and re-run in the
admin), worker heartbeats and queue lengths on the broker, request ids in the logs and the
tasks, and the metrics at `/metrics`. Top of the layers beside `demo`: no app imports it."""
