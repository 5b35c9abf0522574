package dev.offstage.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateYamlTest {

    @Test
    void shortFormTagsReadAsTheirLongForms() {
        var shortForm = TemplateYaml.parse("""
                A: !Ref Table
                B: !GetAtt Queue.Arn
                C: !GetAtt [Queue, QueueName]
                D: !Sub "${AWS::Region}-x"
                E: !Join [",", [!Ref A, !Select [0, !Split [",", "a,b"]]]]
                F: !If [Cond, !Base64 text, !Ref "AWS::NoValue"]
                G: !Equals [!FindInMap [Map, Top, Second], !GetAZs ""]
                H: !Not [!And [!Condition X, !Or [!Condition Y, !Condition Z]]]
                I: !ImportValue Export
                """);
        var longForm = TemplateYaml.parse("""
                A: {Ref: Table}
                B: {"Fn::GetAtt": [Queue, Arn]}
                C: {"Fn::GetAtt": [Queue, QueueName]}
                D: {"Fn::Sub": "${AWS::Region}-x"}
                E: {"Fn::Join": [",", [{Ref: A}, {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}]]}
                F: {"Fn::If": [Cond, {"Fn::Base64": text}, {Ref: "AWS::NoValue"}]}
                G: {"Fn::Equals": [{"Fn::FindInMap": [Map, Top, Second]}, {"Fn::GetAZs": ""}]}
                H: {"Fn::Not": [{"Fn::And": [{Condition: X}, {"Fn::Or": [{Condition: Y}, {Condition: Z}]}]}]}
                I: {"Fn::ImportValue": Export}
                """);

        assertThat(shortForm).isEqualTo(longForm);
    }

    @Test
    void getAttSplitsAtTheFirstDotOnly() {
        assertThat(TemplateYaml.parse("A: !GetAtt Database.Endpoint.Address"))
                .isEqualTo(Map.of("A", Map.of("Fn::GetAtt", List.of("Database", "Endpoint.Address"))));
    }

    @Test
    void datesStayStringsAndNumbersStayNumbers() {
        var template = TemplateYaml.parse("""
                AWSTemplateFormatVersion: 2010-09-09
                MemorySize: 512
                Enabled: true
                """);

        assertThat(template).containsEntry("AWSTemplateFormatVersion", "2010-09-09")
                .containsEntry("MemorySize", 512)
                .containsEntry("Enabled", true);
    }

    @Test
    void keysKeepTemplateOrder() {
        assertThat(TemplateYaml.parse("Z: 1\nA: 2\nM: 3").keySet()).containsExactly("Z", "A", "M");
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThatThrownBy(() -> TemplateYaml.parse("Resources:\n  A: 1\n  A: 2\n"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("duplicate key A");
    }

    @Test
    void unknownTagsAreRefused() {
        assertThatThrownBy(() -> TemplateYaml.parse("A: !Reference Table"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("!Reference");
    }

    @Test
    void getAttWithoutAttributeIsRefused() {
        assertThatThrownBy(() -> TemplateYaml.parse("A: !GetAtt Queue"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("Resource.Attribute");
    }

    @Test
    void aDocumentThatIsNotAMappingIsRefused() {
        assertThatThrownBy(() -> TemplateYaml.parse("- just\n- a list"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("must be a YAML mapping");
    }
}
