package io.wsedge.testsupport;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The smallest application that gets the edge: auto-configuration and nothing else.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestEdgeApplication {

}
