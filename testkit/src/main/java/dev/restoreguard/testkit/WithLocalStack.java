package dev.restoreguard.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against the real local stack (a KRaft broker and an Elasticsearch
 * node), started once per test JVM by {@link LocalStackExtension}. Declare a {@link TestStack}
 * parameter (constructor, {@code @BeforeAll}, {@code @BeforeEach} or test method) to get its
 * addresses.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LocalStackExtension.class)
public @interface WithLocalStack {
}
