package io.wsedge.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.annotation.MergedAnnotations;

/**
 * The names that bind under {@code wsedge}, read from the properties classes the way Spring Boot's binder reads
 * them, and the check that every configured name under {@code wsedge} is one of them. A misspelled limit would
 * otherwise be ignored and the limit it meant would silently not apply.
 */
final class WsEdgePropertyNames {

	private static final Log logger = LogFactory.getLog(WsEdgePropertyNames.class);

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("wsedge");

	private static final ConfigurationPropertyName ROUTES = ConfigurationPropertyName.of("wsedge.routes");

	private static final WsEdgePropertyNames INSTANCE = new WsEdgePropertyNames(WsEdgeProperties.class,
			WsEdgeClosePoliciesProperties.class, WsEdgeHealthProperties.class, WsEdgeClusterProperties.class);

	private final Bean root = new Bean(new LinkedHashMap<>());

	private WsEdgePropertyNames(Class<?>... propertiesClasses) {
		for (Class<?> type : propertiesClasses) {
			ConfigurationPropertyName name = ConfigurationPropertyName
				.of(MergedAnnotations.from(type).get(ConfigurationProperties.class).getString("prefix"));
			Bean parent = this.root;
			for (int i = ROOT.getNumberOfElements(); i < name.getNumberOfElements() - 1; i++) {
				parent = (Bean) parent.children().get(name.getElement(i, Form.DASHED));
			}
			Bean bean = bean(type);
			if (name.equals(ROOT)) {
				this.root.children().putAll(bean.children());
			}
			else {
				parent.children().put(name.getLastElement(Form.DASHED), bean);
			}
		}
	}

	static WsEdgePropertyNames get() {
		return INSTANCE;
	}

	/**
	 * Fails if any configured name under {@code wsedge} does not bind.
	 * @param environment the environment whose property sources are checked
	 * @throws WsEdgeUnknownPropertiesException naming every unknown key
	 */
	void check(Environment environment) {
		Map<ConfigurationPropertyName, WsEdgeUnknownPropertiesException.UnknownProperty> unknown = new LinkedHashMap<>();
		Set<String> foreign = new TreeSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			boolean variables = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
			iterable.filter((name) -> ROOT.isAncestorOf(name) || ROOT.equals(name)).forEach((name) -> {
				if (!unknown.containsKey(name)) {
					WsEdgeUnknownPropertiesException.UnknownProperty problem = problem(name);
					if (problem == null) {
						return;
					}
					ConfigurationProperty property = source.getConfigurationProperty(name);
					if (variables && foreign(name)) {
						foreign.add((property != null && property.getOrigin() != null)
								? property.getOrigin().toString() : name.toString());
						return;
					}
					unknown.put(name, problem.from((property != null) ? property.getOrigin() : null));
				}
			});
		}
		if (!foreign.isEmpty()) {
			logger.warn("Ignoring environment variables that bind to no wsedge property and are near none: " + foreign);
		}
		if (!unknown.isEmpty()) {
			throw new WsEdgeUnknownPropertiesException(new ArrayList<>(unknown.values()));
		}
	}

	/**
	 * Whether a name, from an environment variable, is not meant for wsedge at all: its first key under
	 * {@code wsedge} is unknown and near none that binds. The environment is shared with other software (a
	 * WSEDGE_HOME of an install script, say), where a configuration file is the edge's alone.
	 */
	private boolean foreign(ConfigurationPropertyName name) {
		if (name.getNumberOfElements() <= ROOT.getNumberOfElements()) {
			return false;
		}
		WsEdgeUnknownPropertiesException.UnknownProperty first = problem(name.chop(ROOT.getNumberOfElements() + 1));
		return first != null && first.suggestion() == null;
	}

	/**
	 * Every name that binds, with {@code []} for list indices and {@code *} for map keys, such as
	 * {@code wsedge.routes[].limits.max-payload-size}.
	 * @return the names of the leaves
	 */
	Set<String> leaves() {
		Set<String> leaves = new TreeSet<>();
		collect(this.root, "wsedge", leaves);
		return leaves;
	}

	private static void collect(Node node, String path, Set<String> leaves) {
		if (node instanceof Bean bean) {
			bean.children().forEach((key, child) -> collect(child, path + "." + key, leaves));
		}
		else if (node instanceof Indexed indexed && !(indexed.element() instanceof Leaf)) {
			collect(indexed.element(), path + "[]", leaves);
		}
		else if (node instanceof Keyed keyed && !(keyed.value() instanceof Leaf)) {
			collect(keyed.value(), path + ".*", leaves);
		}
		else {
			leaves.add(path);
		}
	}

	/** Why a name does not bind, or {@code null} when it does. */
	WsEdgeUnknownPropertiesException.UnknownProperty problem(ConfigurationPropertyName name) {
		Node node = this.root;
		String path = "";
		for (int i = ROOT.getNumberOfElements(); i < name.getNumberOfElements(); i++) {
			if (node instanceof Leaf) {
				return unknown(name, null, "'" + name.chop(i) + "' is a single value, with no keys below it.");
			}
			if (node instanceof Keyed keyed) {
				if (keyed.value() instanceof Leaf) {
					return null;
				}
				node = keyed.value();
				path += ".*";
				continue;
			}
			if (node instanceof Indexed indexed) {
				if (!name.isNumericIndex(i)) {
					return unknown(name, null, "'" + name.chop(i) + "' is a list: its entries are [0], [1] and so on.");
				}
				node = indexed.element();
				path += "[]";
				continue;
			}
			Bean bean = (Bean) node;
			Map.Entry<String, Node> child = bean.child(name, i);
			if (child == null) {
				return unknownKey(name, i, bean, path);
			}
			node = child.getValue();
			path += "." + child.getKey();
		}
		return null;
	}

	private WsEdgeUnknownPropertiesException.UnknownProperty unknownKey(ConfigurationPropertyName name, int index,
			Bean bean, String path) {
		String key = name.getElement(index, Form.DASHED);
		// An edge-wide setting under a route: say where it goes instead of guessing a neighbour.
		if (ROUTES.isAncestorOf(name) && name.isNumericIndex(ROUTES.getNumberOfElements())) {
			ConfigurationPropertyName global = ConfigurationPropertyName
				.of("wsedge" + path.substring(".routes[]".length()))
				.append(key);
			if (problem(global) == null) {
				String route = name.chop(ROUTES.getNumberOfElements() + 1).toString();
				return unknown(name, null, "'" + key + "' applies to the whole edge, so it is set under "
						+ global.getParent() + " only" + ("max-connections".equals(key)
								? "; a route's own cap is " + route + ".max-connections." : "."));
			}
		}
		Match nearest = nearest(bean.children().keySet(), key, name, index);
		if (nearest == null) {
			return unknown(name, null, "The keys under " + name.chop(index) + " are " + bean.children().keySet() + ".");
		}
		ConfigurationPropertyName suggestion = name.chop(index).append(nearest.key());
		if (!nearest.spansRest()) {
			// Keep the rest of the name when it binds below the corrected key.
			ConfigurationPropertyName whole = suggestion;
			for (int i = index + 1; i < name.getNumberOfElements(); i++) {
				whole = whole.append(name.getElement(i, Form.ORIGINAL));
			}
			if (problem(whole) == null) {
				suggestion = whole;
			}
		}
		return unknown(name, suggestion.toString(), null);
	}

	/**
	 * The key nearest to a misspelled one by Levenshtein distance, also trying the rest of the name joined with
	 * dashes (an environment variable with underscores for dashes, such as WSEDGE_LIMITS_MAX_PAYLOAD_SIZE).
	 */
	private static Match nearest(Set<String> keys, String key, ConfigurationPropertyName name, int index) {
		StringBuilder joined = new StringBuilder(key);
		for (int i = index + 1; i < name.getNumberOfElements(); i++) {
			joined.append('-').append(name.getElement(i, Form.DASHED));
		}
		boolean hasRest = index + 1 < name.getNumberOfElements();
		Match best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String candidate : keys) {
			int own = distance(key, candidate);
			int spanning = hasRest ? distance(joined.toString(), candidate) : Integer.MAX_VALUE;
			if (Math.min(own, spanning) < bestDistance) {
				best = new Match(candidate, spanning < own);
				bestDistance = Math.min(own, spanning);
			}
		}
		// A guess that changes most of the key helps no one.
		return (best != null && bestDistance <= Math.max(2, best.key().length() / 2)) ? best : null;
	}

	private record Match(String key, boolean spansRest) {

	}

	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	private static WsEdgeUnknownPropertiesException.UnknownProperty unknown(ConfigurationPropertyName name,
			String suggestion, String reason) {
		return new WsEdgeUnknownPropertiesException.UnknownProperty(name.toString(), null, suggestion, reason);
	}

	private static Bean bean(Class<?> type) {
		Map<String, Node> children = new LinkedHashMap<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			if (property.getReadMethod() == null || property.getReadMethod().getDeclaringClass() == Object.class) {
				continue;
			}
			Node node = node(ResolvableType.forMethodReturnType(property.getReadMethod()));
			// Like the binder: a value needs a setter; a nested object, list or map may be filled in place.
			if (property.getWriteMethod() != null || !(node instanceof Leaf)) {
				children.put(DataObjectPropertyName.toDashedForm(property.getName()), node);
			}
		}
		return new Bean(children);
	}

	private static Node node(ResolvableType type) {
		Class<?> resolved = type.resolve(Object.class);
		if (resolved.isArray() || Collection.class.isAssignableFrom(resolved)) {
			return new Indexed(node(resolved.isArray() ? type.getComponentType() : type.asCollection().getGeneric()));
		}
		if (Map.class.isAssignableFrom(resolved)) {
			return new Keyed(node(type.asMap().getGeneric(1)));
		}
		// Only our own classes are objects with keys; everything else (DataSize, Duration, URI...) is one value.
		if (resolved.getName().startsWith("io.wsedge.") && !resolved.isEnum() && !resolved.isRecord()) {
			return bean(resolved);
		}
		return Leaf.INSTANCE;
	}

	private sealed interface Node permits Bean, Indexed, Keyed, Leaf {

	}

	private record Bean(Map<String, Node> children) implements Node {

		/** The child that element {@code index} of the name binds to, compared as the binder compares names. */
		Map.Entry<String, Node> child(ConfigurationPropertyName name, int index) {
			ConfigurationPropertyName element = name.chop(index + 1);
			for (Map.Entry<String, Node> child : this.children.entrySet()) {
				if (name.chop(index).append(child.getKey()).equals(element)) {
					return child;
				}
			}
			return null;
		}

	}

	private record Indexed(Node element) implements Node {

	}

	private record Keyed(Node value) implements Node {

	}

	private enum Leaf implements Node {

		INSTANCE

	}

}
