# Sourced by bin/pool, bin/test and bin/bench: sets JAVA to a java of version >= 21, looking at
# $POOL_JAVA_HOME, $JAVA_HOME, the PATH, then /usr/lib/jvm/* (newest first). ~10 ms.
java_major() {
  local v
  v=$("$1" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  case "$v" in
    1.*) echo "${v#1.}" | cut -d. -f1 ;;
    "") echo 0 ;;
    *) echo "$v" | cut -d. -f1 | cut -d- -f1 ;;
  esac
}

find_java() {
  local candidate
  for candidate in ${POOL_JAVA_HOME:+"$POOL_JAVA_HOME/bin/java"} ${JAVA_HOME:+"$JAVA_HOME/bin/java"} \
                   "$(command -v java 2>/dev/null || true)" \
                   $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA=$(find_java); then
  echo "procpool needs Java 21 or newer; none found in \$JAVA_HOME, on the PATH or under /usr/lib/jvm." >&2
  echo "Install one (e.g. apt-get install openjdk-21-jdk-headless) or set POOL_JAVA_HOME." >&2
  exit 1
fi
export JAVA
