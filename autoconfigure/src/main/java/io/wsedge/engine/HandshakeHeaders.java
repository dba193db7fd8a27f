package io.wsedge.engine;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.util.MultiValueMap;

/**
 * The headers of a client's upgrade request as a session keeps them for its life: one array of names and
 * values, read-only, looked up by name ignoring case as HTTP wants (RFC 9110 §5.1). The server's request
 * object and its header map (a hash table of entries per header) are not kept, so an idle session holds a
 * few hundred bytes of headers instead of a few kilobytes.
 * <p>
 * Reading is slower than a hash lookup (a scan of a dozen names) and {@link #get} builds the list it returns;
 * neither happens per message unless an interceptor reads the headers per message.
 */
final class HandshakeHeaders extends AbstractMap<String, List<String>> implements MultiValueMap<String, String> {

	/** One instance per common header name, so that sessions share their names' strings. */
	private static final Map<String, String> NAMES = names("Host", "host", "Upgrade", "upgrade", "Connection",
			"connection", "Sec-WebSocket-Key", "sec-websocket-key", "Sec-WebSocket-Version", "sec-websocket-version",
			"Sec-WebSocket-Extensions", "sec-websocket-extensions", "Sec-WebSocket-Protocol", "sec-websocket-protocol",
			"Origin", "origin", "User-Agent", "user-agent", "Cookie", "cookie", "Authorization", "authorization",
			"Accept-Encoding", "accept-encoding", "Accept-Language", "accept-language", "Cache-Control",
			"cache-control", "Pragma", "pragma", "X-Forwarded-For", "x-forwarded-for", "X-Forwarded-Proto",
			"x-forwarded-proto", "X-Forwarded-Host", "x-forwarded-host");

	/** Names at even indexes, each followed by its value, in the order of the request. */
	private final String[] fields;

	private HandshakeHeaders(String[] fields) {
		this.fields = fields;
	}

	/**
	 * Copies headers into the compact, read-only form.
	 * @param headers the request's headers
	 * @return the copy
	 */
	static HttpHeaders copyOf(HttpHeaders headers) {
		List<String> fields = new ArrayList<>(32);
		headers.forEach((name, values) -> {
			String shared = NAMES.get(name);
			String kept = (shared != null) ? shared : name;
			for (String value : values) {
				fields.add(kept);
				fields.add(value);
			}
		});
		return new HttpHeaders(new HandshakeHeaders(fields.toArray(String[]::new)));
	}

	private static Map<String, String> names(String... names) {
		Map<String, String> map = new HashMap<>();
		for (String name : names) {
			map.put(name, name);
		}
		return Map.copyOf(map);
	}

	@Override
	public List<String> get(Object key) {
		if (!(key instanceof String name)) {
			return null;
		}
		String first = null;
		List<String> all = null;
		for (int i = 0; i < this.fields.length; i += 2) {
			if (this.fields[i].equalsIgnoreCase(name)) {
				if (first == null) {
					first = this.fields[i + 1];
				}
				else {
					if (all == null) {
						all = new ArrayList<>(4);
						all.add(first);
					}
					all.add(this.fields[i + 1]);
				}
			}
		}
		if (first == null) {
			return null;
		}
		return (all != null) ? List.copyOf(all) : List.of(first);
	}

	@Override
	public boolean containsKey(Object key) {
		return (key instanceof String name) && getFirst(name) != null;
	}

	@Override
	public String getFirst(String key) {
		for (int i = 0; i < this.fields.length; i += 2) {
			if (this.fields[i].equalsIgnoreCase(key)) {
				return this.fields[i + 1];
			}
		}
		return null;
	}

	@Override
	public Set<Entry<String, List<String>>> entrySet() {
		// Built on demand: names in the order they first appear, each with all its values.
		Map<String, List<String>> grouped = new LinkedHashMap<>();
		for (int i = 0; i < this.fields.length; i += 2) {
			String name = this.fields[i];
			String existing = null;
			for (String seen : grouped.keySet()) {
				if (seen.equalsIgnoreCase(name)) {
					existing = seen;
					break;
				}
			}
			grouped.computeIfAbsent((existing != null) ? existing : name, (key) -> new ArrayList<>(2))
				.add(this.fields[i + 1]);
		}
		List<Entry<String, List<String>>> entries = new ArrayList<>(grouped.size());
		grouped.forEach((name, values) -> entries.add(Map.entry(name, List.copyOf(values))));
		return new AbstractSet<>() {

			@Override
			public Iterator<Entry<String, List<String>>> iterator() {
				return List.copyOf(entries).iterator();
			}

			@Override
			public int size() {
				return entries.size();
			}

		};
	}

	@Override
	public boolean isEmpty() {
		return this.fields.length == 0;
	}

	@Override
	public void add(String key, String value) {
		throw readOnly();
	}

	@Override
	public void addAll(String key, List<? extends String> values) {
		throw readOnly();
	}

	@Override
	public void addAll(MultiValueMap<String, String> values) {
		throw readOnly();
	}

	@Override
	public void set(String key, String value) {
		throw readOnly();
	}

	@Override
	public void setAll(Map<String, String> values) {
		throw readOnly();
	}

	@Override
	public List<String> put(String key, List<String> value) {
		throw readOnly();
	}

	@Override
	public List<String> remove(Object key) {
		throw readOnly();
	}

	@Override
	public void clear() {
		throw readOnly();
	}

	@Override
	public Map<String, String> toSingleValueMap() {
		Map<String, String> single = new LinkedHashMap<>();
		entrySet().forEach((entry) -> single.put(entry.getKey(), entry.getValue().get(0)));
		return single;
	}

	private static UnsupportedOperationException readOnly() {
		return new UnsupportedOperationException("The handshake headers are read-only");
	}

}
