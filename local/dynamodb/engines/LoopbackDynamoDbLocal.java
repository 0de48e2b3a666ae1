import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local bound to 127.0.0.1 only. Its own command line listens on every interface
 * and has no bind-address option, so this launcher builds the server from the usual arguments
 * (e.g. {@code -port 0 -inMemory -sharedDb -disableTelemetry}), sets the host of the Jetty connectors
 * before they open, refuses browsers (any {@code Origin}) and foreign {@code Host} names (DNS
 * rebinding) with 403, then prints one line for the Node parent:
 * {@code DYNAMODB_LOCAL_READY {"port":43121,"version":"3.3.0"}}.
 *
 * <p>The parent keeps this process's stdin open as a lifeline: when it closes (the parent exited or
 * was killed, even with SIGKILL), the server shuts down, so no JVM outlives the local runtime.
 *
 * <p>Committed compiled for Java 17 as LoopbackDynamoDbLocal.jar (rebuild it with
 * {@code npm run dynamodb-launcher} after editing this file; a test checks it), so a JRE runs it:
 * {@code java -cp "LoopbackDynamoDbLocal.jar:DynamoDBLocal.jar:DynamoDBLocal_lib/*" LoopbackDynamoDbLocal -port 0 -inMemory}.
 */
public final class LoopbackDynamoDbLocal {
  private static final String READY = "DYNAMODB_LOCAL_READY";
  private static final String HOST = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    int port = requestedPort(args);
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(withoutPort(args));
    Server jetty = jettyOf(proxy);
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector network) {
        network.setHost(HOST);
        network.setPort(port);
      }
    }
    jetty.setHandler(new OnlyThisMachine(jetty.getHandler()));
    proxy.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(proxy), "dynamodb-local-shutdown"));
    exitWhenStdinCloses();
    System.out.println(READY + " {\"port\":" + boundPort(jetty) + ",\"version\":\"" + version() + "\"}");
    System.out.flush();
    proxy.join();
  }

  /**
   * The database has no authentication of its own: only this machine's programs may use it. A
   * browser always sends {@code Origin} on the requests DynamoDB's API needs (they are preflighted),
   * and a page that re-points its own name at 127.0.0.1 still sends that name as {@code Host}.
   */
  static final class OnlyThisMachine extends Handler.Wrapper {
    OnlyThisMachine(Handler handler) {
      super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String origin = request.getHeaders().get(HttpHeader.ORIGIN);
      String host = request.getHeaders().get(HttpHeader.HOST);
      if (origin != null || !isLoopback(host, Request.getLocalPort(request))) {
        Response.writeError(request, response, callback, 403, "DynamoDB of the local system: this machine's programs only");
        return true;
      }
      return super.handle(request, response, callback);
    }

    private static boolean isLoopback(String host, int port) {
      if (host == null) return false;
      String name = host.toLowerCase(Locale.ROOT);
      int colon = name.lastIndexOf(':');
      if (colon > name.lastIndexOf(']')) {
        if (!name.substring(colon + 1).equals(Integer.toString(port))) return false;
        name = name.substring(0, colon);
      } else if (port != 80) {
        return false;
      }
      return name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
    }
  }

  /** DynamoDB Local's parser refuses port 0 (any free port), so this launcher handles {@code -port} itself. */
  private static int requestedPort(String[] args) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("-port")) return Integer.parseInt(args[i + 1]);
    }
    return 0;
  }

  private static String[] withoutPort(String[] args) {
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-port")) i++;
      else rest.add(args[i]);
    }
    return rest.toArray(new String[0]);
  }

  /** DynamoDBProxyServer keeps its Jetty server private; reflection is the only way to reach its connectors. */
  private static Server jettyOf(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    return (Server) field.get(proxy);
  }

  private static int boundPort(Server jetty) {
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector network && network.getLocalPort() > 0) return network.getLocalPort();
    }
    throw new IllegalStateException("DynamoDB Local started without an open network connector");
  }

  private static void exitWhenStdinCloses() {
    Thread watcher = new Thread(() -> {
      try {
        InputStream in = System.in;
        while (in.read() != -1) {
          // The parent never writes; anything it sends is ignored.
        }
      } catch (Exception closed) {
        // A broken pipe means the parent is gone, the same as end of stream.
      }
      System.exit(0);
    }, "parent-lifeline");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void stopQuietly(DynamoDBProxyServer proxy) {
    try {
      proxy.stop();
    } catch (Exception ignored) {
      // The JVM is exiting anyway; SQLite has already committed every completed request.
    }
  }

  private static String version() {
    String resource = "/META-INF/maven/software/amazon/dynamodb/DynamoDBLocal/pom.properties";
    try (InputStream in = DynamoDBProxyServer.class.getResourceAsStream(resource)) {
      if (in == null) return "unknown";
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (Exception unreadable) {
      return "unknown";
    }
  }
}
