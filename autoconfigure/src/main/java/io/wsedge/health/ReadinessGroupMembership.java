package io.wsedge.health;

import java.util.List;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Makes a health contributor a member of the {@code readiness} group that Spring Boot sets up for its
 * availability probes, so that the edge's {@code OUT_OF_SERVICE} while draining (and its {@code DOWN}, when
 * configured so) fails the readiness probe.
 * <p>
 * Must run after Boot's own post-processor, which adds the probe groups: both have the lowest precedence, so
 * the auto-configuration that declares this one comes after Boot's. Other groups are left as they are.
 */
public final class ReadinessGroupMembership implements HealthEndpointGroupsPostProcessor {

	private static final String READINESS = "readiness";

	private final String member;

	/**
	 * Creates the post-processor.
	 * @param member the name of the contributor to add to the readiness group
	 */
	public ReadinessGroupMembership(String member) {
		this.member = member;
	}

	@Override
	public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
		HealthEndpointGroup readiness = groups.get(READINESS);
		if (readiness == null || readiness.isMember(this.member)) {
			return groups;
		}
		return new Groups(groups, new Member(readiness, this.member));
	}

	/** The groups with the readiness group replaced; additional paths (such as /readyz) pass through. */
	private static final class Groups implements HealthEndpointGroups, AdditionalPathsMapper {

		private final HealthEndpointGroups delegate;

		private final HealthEndpointGroup readiness;

		Groups(HealthEndpointGroups delegate, HealthEndpointGroup readiness) {
			this.delegate = delegate;
			this.readiness = readiness;
		}

		@Override
		public HealthEndpointGroup getPrimary() {
			return this.delegate.getPrimary();
		}

		@Override
		public Set<String> getNames() {
			return this.delegate.getNames();
		}

		@Override
		public HealthEndpointGroup get(String name) {
			return READINESS.equals(name) ? this.readiness : this.delegate.get(name);
		}

		@Override
		public List<String> getAdditionalPaths(EndpointId endpointId, WebServerNamespace webServerNamespace) {
			return (this.delegate instanceof AdditionalPathsMapper mapper)
					? mapper.getAdditionalPaths(endpointId, webServerNamespace) : null;
		}

	}

	/** A group with one more member. */
	private static final class Member implements HealthEndpointGroup {

		private final HealthEndpointGroup group;

		private final String member;

		Member(HealthEndpointGroup group, String member) {
			this.group = group;
			this.member = member;
		}

		@Override
		public boolean isMember(String name) {
			return this.member.equals(name) || this.group.isMember(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.group.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.group.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.group.getStatusAggregator();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.group.getHttpCodeStatusMapper();
		}

		@Override
		public AdditionalHealthEndpointPath getAdditionalPath() {
			return this.group.getAdditionalPath();
		}

	}

}
