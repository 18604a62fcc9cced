# tcp-hi-server.py PORT: accept on 0.0.0.0:PORT, greet each connection with "hi\n", close.
# Shared by the spad system tests as the service behind the door.
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(64)
while True:
    c, _ = s.accept()
    try:
        c.sendall(b"hi\n")
    except OSError:
        pass
    c.close()
