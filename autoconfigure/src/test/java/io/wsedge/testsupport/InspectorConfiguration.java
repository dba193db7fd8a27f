package io.wsedge.testsupport;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsedge.api.ClientFrameInterceptor;

/**
 * A client interceptor named {@code inspector} that only looks at the session, so that the routes it runs on
 * assemble fragmented messages (where no interceptor runs, they stream through).
 */
@Configuration(proxyBeanMethods = false)
public class InspectorConfiguration {

	@Bean
	ClientFrameInterceptor inspector() {
		return (frame) -> frame.session();
	}

}
