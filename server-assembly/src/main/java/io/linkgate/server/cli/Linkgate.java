package io.linkgate.server.cli;

import io.linkgate.api.GatewayException;
import io.linkgate.server.ConfigException;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code linkgate} tool: a node ({@code serve}, the default) and the client commands that talk
 * to one. Every command writes its results to standard output and its diagnostics to standard
 * error; a failure is one line, never a stack trace.
 */
@Command(
    name = "linkgate",
    mixinStandardHelpOptions = true,
    versionProvider = Linkgate.Version.class,
    description = "Linkgate, the access layer of an IM system. With no command, runs a node (serve).",
    subcommands = {
      ServeCommand.class,
      TokenCommand.class,
      ListenCommand.class,
      SendCommand.class,
      DemoCommand.class,
      AdminCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Linkgate implements Callable<Integer> {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    // grpc-java logs through java.util.logging; send it to the node's log like everything else.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for embedding and tests ({@code commandLine().execute("demo")}). */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Linkgate());
    cmd.setExecutionExceptionHandler(Linkgate::reportFailure);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    return cmd;
  }

  /** No subcommand: serve with defaults. */
  @Override
  public Integer call() {
    return spec.commandLine().getSubcommands().get("serve").execute();
  }

  private static int reportFailure(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
    cmd.getErr().println("linkgate " + cmd.getCommandName() + ": " + describe(ex));
    cmd.getErr().flush();
    return 1;
  }

  /** The operator-facing reason: expected failures by their message, anything else by its type too. */
  static String describe(Throwable ex) {
    if (ex instanceof ConfigException
        || ex instanceof IOException
        || ex instanceof GatewayException
        || ex instanceof IllegalArgumentException) {
      return ex.getMessage();
    }
    if ((ex instanceof java.util.concurrent.CompletionException
            || ex instanceof java.util.concurrent.ExecutionException)
        && ex.getCause() != null) {
      return describe(ex.getCause());
    }
    if (ex instanceof java.util.concurrent.TimeoutException) {
      return "timed out waiting for the node";
    }
    return ex.toString();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Linkgate.class.getPackage().getImplementationVersion();
      return new String[] {"linkgate " + (v == null ? "(development build)" : v)};
    }
  }
}
