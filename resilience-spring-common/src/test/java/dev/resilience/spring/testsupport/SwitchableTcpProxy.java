package dev.resilience.spring.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a local service, for outages on demand: it forwards, or
 * swallows every byte without answering (a service that hangs), or is down (its port
 * refuses connections and the open ones are cut). Tests use it to take Redis away from
 * one application context while the others keep it.
 */
public final class SwitchableTcpProxy implements AutoCloseable {

	/** What the proxy does with traffic. */
	public enum Mode {

		/** Forwards both ways. */
		FORWARD,

		/** Accepts connections and reads requests, but never answers. */
		SWALLOW,

		/** Listens nowhere: new connections are refused and open ones cut. */
		DOWN

	}

	private final String targetHost;

	private final int targetPort;

	private final int port;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile Mode mode = Mode.FORWARD;

	private volatile ServerSocket server;

	public SwitchableTcpProxy(String targetHost, int targetPort) throws IOException {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			this.port = probe.getLocalPort();
		}
		listen();
	}

	public int port() {
		return this.port;
	}

	public synchronized void mode(Mode mode) throws IOException {
		if (mode == this.mode) {
			return;
		}
		Mode previous = this.mode;
		this.mode = mode;
		if (mode == Mode.DOWN || previous == Mode.SWALLOW) {
			stopListening();
			cutConnections();
		}
		if (mode != Mode.DOWN && this.server == null) {
			listen();
		}
	}

	private void listen() throws IOException {
		ServerSocket server = new ServerSocket();
		server.setReuseAddress(true);
		server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port));
		this.server = server;
		Thread acceptor = new Thread(() -> accept(server), "tcp-proxy-accept-" + this.port);
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private void accept(ServerSocket server) {
		while (!server.isClosed()) {
			try {
				Socket client = server.accept();
				this.sockets.add(client);
				if (this.mode == Mode.FORWARD) {
					Socket upstream = new Socket(this.targetHost, this.targetPort);
					this.sockets.add(upstream);
					pump(client, upstream);
					pump(upstream, client);
				}
				else {
					pump(client, null);
				}
			}
			catch (IOException ex) {
				// closed while accepting, or the target refused: the client sees a cut
			}
		}
	}

	/** Copies {@code from} to {@code to}, or reads and drops when {@code to} is null. */
	private void pump(Socket from, Socket to) {
		Thread pump = new Thread(() -> {
			byte[] buffer = new byte[8192];
			try (InputStream in = from.getInputStream()) {
				OutputStream out = (to != null) ? to.getOutputStream() : null;
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (out != null && this.mode == Mode.FORWARD) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
			}
			catch (IOException ex) {
				// the other side went away
			}
			finally {
				closeQuietly(from);
				if (to != null) {
					closeQuietly(to);
				}
			}
		}, "tcp-proxy-pump-" + this.port);
		pump.setDaemon(true);
		pump.start();
	}

	private void stopListening() {
		ServerSocket server = this.server;
		this.server = null;
		if (server != null) {
			try {
				server.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
	}

	private void cutConnections() {
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
		this.sockets.clear();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public synchronized void close() {
		this.mode = Mode.DOWN;
		stopListening();
		cutConnections();
	}

}
