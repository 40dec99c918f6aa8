package io.brine.vault.seal.pkcs11;

import io.brine.vault.VaultException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the slot that holds the token with a given label.
 *
 * <p>SunPKCS11's config has no token-label keyword, only {@code slot} and {@code slotListIndex},
 * and SoftHSM gives a token a new slot id each time it is initialized. So we ask the library
 * ourselves, through the JDK's own PKCS#11 binding ({@code sun.security.pkcs11.wrapper.PKCS11}):
 * {@code C_GetSlotList(tokenPresent)} and then {@code C_GetTokenInfo(slot).label}. That package is
 * not exported, so it is reached by reflection (brine compiles with {@code --release 17}, which
 * forbids {@code --add-exports}), and the JVM must run with {@value #ADD_EXPORTS}.
 *
 * <p>The binding keeps one instance per library path and calls {@code C_Initialize} once; the
 * SunPKCS11 provider configured afterwards reuses that instance, so the lookup costs nothing later.
 */
final class TokenSlots {
  static final String ADD_EXPORTS =
      "--add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";

  private static final Logger log = LoggerFactory.getLogger(TokenSlots.class);
  private static final String WRAPPER_PACKAGE = "sun.security.pkcs11.wrapper";

  /** CKF_OS_LOCKING_OK: the same flag SunPKCS11 passes, so whichever initializes first agrees. */
  private static final long OS_LOCKING_OK = 0x2L;

  private TokenSlots() {}

  static long slotOf(String library, String tokenLabel) throws VaultException {
    Binding binding = Binding.load();
    List<Long> matches = new ArrayList<>();
    try {
      Object pkcs11 = binding.instance(library);
      for (long slot : binding.slotsWithTokens(pkcs11)) {
        if (tokenLabel.equals(binding.tokenLabel(pkcs11, slot))) {
          matches.add(slot);
        }
      }
    } catch (InvocationTargetException e) {
      log.debug("token lookup in {} failed", library, e.getCause());
      throw new VaultException(
          "cannot list the tokens of PKCS#11 library "
              + library
              + ": "
              + Causes.describe(e.getCause()),
          e.getCause());
    } catch (ReflectiveOperationException e) {
      throw notSupported(e);
    }
    if (matches.isEmpty()) {
      throw new VaultException(
          "no PKCS#11 token labelled '" + tokenLabel + "' in library " + library);
    }
    if (matches.size() > 1) {
      throw new VaultException(
          matches.size()
              + " PKCS#11 tokens are labelled '"
              + tokenLabel
              + "' (slots "
              + matches
              + "); configure the slot instead");
    }
    return matches.get(0);
  }

  private static VaultException notSupported(ReflectiveOperationException e) {
    log.debug("the JDK's PKCS#11 binding is not usable", e);
    return new VaultException(
        "this JDK's PKCS#11 binding cannot look up token labels ("
            + Causes.describe(e)
            + "); configure the slot instead",
        e);
  }

  /** The reflective handles on the JDK-internal binding, checked once for access. */
  private record Binding(
      Method getInstance,
      Class<?> initArgsClass,
      Method getSlotList,
      Method getTokenInfo,
      Field labelField) {

    static Binding load() throws VaultException {
      Module cryptoki = ModuleLayer.boot().findModule("jdk.crypto.cryptoki").orElse(null);
      if (cryptoki == null) {
        throw new VaultException(
            "this JVM has no jdk.crypto.cryptoki module (SunPKCS11); add it to the runtime image");
      }
      if (!cryptoki.isExported(WRAPPER_PACKAGE, TokenSlots.class.getModule())) {
        throw new VaultException(
            "finding an HSM token by label needs the JVM option "
                + ADD_EXPORTS
                + "; add it, or configure slot: instead of the token label");
      }
      try {
        Class<?> pkcs11 = wrapperClass(cryptoki, "PKCS11");
        Class<?> initArgs = wrapperClass(cryptoki, "CK_C_INITIALIZE_ARGS");
        Class<?> tokenInfo = wrapperClass(cryptoki, "CK_TOKEN_INFO");
        return new Binding(
            pkcs11.getMethod("getInstance", String.class, String.class, initArgs, boolean.class),
            initArgs,
            pkcs11.getMethod("C_GetSlotList", boolean.class),
            pkcs11.getMethod("C_GetTokenInfo", long.class),
            tokenInfo.getField("label"));
      } catch (ReflectiveOperationException e) {
        throw notSupported(e);
      }
    }

    private static Class<?> wrapperClass(Module cryptoki, String name)
        throws ClassNotFoundException {
      Class<?> type = Class.forName(cryptoki, WRAPPER_PACKAGE + "." + name);
      if (type == null) {
        throw new ClassNotFoundException(WRAPPER_PACKAGE + "." + name);
      }
      return type;
    }

    Object instance(String library) throws ReflectiveOperationException {
      Object initArgs = initArgsClass.getConstructor().newInstance();
      initArgsClass.getField("flags").setLong(initArgs, OS_LOCKING_OK);
      return getInstance.invoke(null, library, "C_GetFunctionList", initArgs, false);
    }

    long[] slotsWithTokens(Object pkcs11) throws ReflectiveOperationException {
      return (long[]) getSlotList.invoke(pkcs11, true);
    }

    String tokenLabel(Object pkcs11, long slot) throws ReflectiveOperationException {
      Object info = getTokenInfo.invoke(pkcs11, slot);
      // The binding widens each UTF-8 byte of the label to a char; undo that before comparing.
      char[] widened = (char[]) labelField.get(info);
      byte[] utf8 = new String(widened).getBytes(StandardCharsets.ISO_8859_1);
      return new String(utf8, StandardCharsets.UTF_8).trim();
    }
  }
}
