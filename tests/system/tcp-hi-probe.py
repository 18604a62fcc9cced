# tcp-hi-probe.py DST PORT SRC SPORT: connect from SRC:SPORT; print "open" if the
# service greeted us within 0.6 s, else "closed".
import socket, sys
s = socket.socket(); s.settimeout(0.6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[3], int(sys.argv[4]))); s.connect((sys.argv[1], int(sys.argv[2])))
    print("open" if s.recv(3) == b"hi\n" else "closed")
except OSError:
    print("closed")
