/**
 * A gate that opens at most once per `intervalMilliseconds` (the first call always passes). Progress events go
 * through one so reporters see at most about five updates a second.
 */
export function createThrottle(intervalMilliseconds = 200, now: () => number = Date.now): () => boolean {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const time = now();
    if (time - last < intervalMilliseconds) return false;
    last = time;
    return true;
  };
}
