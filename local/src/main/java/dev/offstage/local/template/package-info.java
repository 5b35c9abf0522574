/**
 * Reads {@code template.yaml} into the runtime's {@link dev.offstage.local.model.Application}:
 * {@link dev.offstage.local.template.Templates#load} parses the YAML (short-form tags included),
 * applies SAM's {@code Globals}, resolves {@code Parameters}, {@code Conditions} and every intrinsic
 * function to local names, URLs and ARNs ({@link dev.offstage.local.template.LocalNaming}), and
 * repeats the checks SAM, CloudFormation and the services would make at deploy time, so that a
 * template mistake stops startup with a {@link dev.offstage.local.template.TemplateException}
 * naming the resource, the property and the problem.
 */
package dev.offstage.local.template;
