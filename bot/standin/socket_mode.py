"""A Socket Mode endpoint for the stand-in: a minimal WebSocket server on loopback that says hello,
sends envelopes (slash commands, interactions, events) and collects the bot's acks. Enough of
RFC 6455 for slack_sdk's built-in client: text frames, ping/pong, close."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import socket
import struct
import threading
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class SocketModeEndpoint:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self._listener = socket.create_server((host, 0))
        self._listener.settimeout(0.2)
        self.url = f"ws://{host}:{self._listener.getsockname()[1]}/link"
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._connection: socket.socket | None = None
        self.connected = threading.Event()
        self._acks: dict[str, dict[str, Any]] = {}
        self._acked = threading.Condition(self._lock)
        self._stop = threading.Event()
        threading.Thread(target=self._accept_loop, name="standin-socket-mode", daemon=True).start()

    # -- what tests use ------------------------------------------------------------------------
    def send(
        self, envelope_type: str, payload: dict[str, Any], *, accepts_response_payload: bool = True
    ) -> str:
        """Deliver an envelope as Slack would; returns its envelope_id."""
        envelope_id = f"env-{next(self._ids):06d}"
        frame = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        self._send_text(json.dumps(frame))
        return envelope_id

    def ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any] | None:
        """The bot's acknowledgement of an envelope, or None if it did not come in time."""
        with self._acked:
            self._acked.wait_for(lambda: envelope_id in self._acks, timeout)
            return self._acks.get(envelope_id)

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        with self._lock:
            if self._connection is not None:
                self._connection.close()

    # -- the server ----------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            if not self._handshake(connection):
                connection.close()
                return
            with self._lock:
                self._connection = connection
            self._send_text(
                json.dumps(
                    {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0TRAINDAY"}}
                )
            )
            self.connected.set()
            while not self._stop.is_set():
                opcode, data = self._read_frame(connection)
                if opcode == 0x8:  # close
                    break
                if opcode == 0x9:  # ping
                    self._send_frame(0xA, data)
                elif opcode == 0x1:
                    message = json.loads(data.decode())
                    if "envelope_id" in message:
                        with self._acked:
                            self._acks[message["envelope_id"]] = message
                            self._acked.notify_all()
        except (OSError, ConnectionError, ValueError):
            pass
        finally:
            connection.close()

    @staticmethod
    def _handshake(connection: socket.socket) -> bool:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(4096)
            if not chunk:
                return False
            request += chunk
        headers = {}
        for line in request.decode("latin-1").split("\r\n")[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        key = headers.get("sec-websocket-key")
        if not key:
            return False
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        connection.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        return True

    def _send_text(self, text: str) -> None:
        self._send_frame(0x1, text.encode())

    def _send_frame(self, opcode: int, data: bytes) -> None:
        length = len(data)
        if length < 126:
            head = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self._lock:
            if self._connection is None:
                raise ConnectionError("no Socket Mode connection")
            self._connection.sendall(head + data)

    @staticmethod
    def _read_exact(connection: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = connection.recv(size - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _read_frame(self, connection: socket.socket) -> tuple[int, bytes]:
        first, second = self._read_exact(connection, 2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read_exact(connection, 2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read_exact(connection, 8))
        mask = self._read_exact(connection, 4) if second & 0x80 else b""
        data = self._read_exact(connection, length)
        if mask:
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        return first & 0x0F, data
