package io.brine.master;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP for logrotate: runs an action (the master reopens its audit files) instead of the JVM's
 * default, which is to shut down. Through {@code sun.misc.Signal} where the JVM has it (HotSpot on
 * Linux and macOS), found reflectively: brine compiles without internal APIs, and where there is no
 * such signal the master runs on without it and says so once.
 */
public final class HangupSignal {
  private static final Logger log = LoggerFactory.getLogger(HangupSignal.class);

  private HangupSignal() {}

  /**
   * Installs {@code action} for SIGHUP; false (with one log line) when the JVM cannot, or when the
   * process was started with SIGHUP ignored, which the JVM then keeps.
   */
  public static boolean onHangup(Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance("HUP");
      InvocationHandler invoke =
          (Object proxy, Method method, Object[] args) -> {
            if (method.getName().equals("handle")) {
              try {
                action.run();
              } catch (RuntimeException e) {
                log.warn("SIGHUP: {}", e.toString());
              }
              return null;
            }
            if (method.getName().equals("toString")) {
              return "brine SIGHUP handler";
            }
            if (method.getName().equals("hashCode")) {
              return System.identityHashCode(proxy);
            }
            if (method.getName().equals("equals")) {
              return proxy == args[0];
            }
            return null;
          };
      Object handler =
          Proxy.newProxyInstance(
              HangupSignal.class.getClassLoader(), new Class<?>[] {handlerClass}, invoke);
      Object previous =
          signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
      if (previous != null && previous.equals(handlerClass.getField("SIG_IGN").get(null))) {
        // The JVM keeps an inherited "ignore" (nohup, some supervisors) and installs nothing:
        // logrotate's HUP would then do nothing, silently.
        log.warn(
            "SIGHUP is ignored by the process that started the master (nohup?): a HUP will not"
                + " reopen audit files; start the master without it, or restart it after rotating");
        return false;
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.warn("SIGHUP cannot be handled in this JVM ({}); reopen audit files by restarting", e.toString());
      return false;
    }
  }
}
