package dev.offstage.video.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RotationTest {

    @Test
    void displayMatrixRotationIsCounterClockwise() {
        assertThat(Rotation.fromDisplayMatrix(-90)).isEqualTo(90); // a phone's portrait video
        assertThat(Rotation.fromDisplayMatrix(90)).isEqualTo(270);
        assertThat(Rotation.fromDisplayMatrix(180)).isEqualTo(180);
        assertThat(Rotation.fromDisplayMatrix(-180)).isEqualTo(180);
        assertThat(Rotation.fromDisplayMatrix(0)).isZero();
        assertThat(Rotation.fromDisplayMatrix(-89.98)).isEqualTo(90);
    }

    @Test
    void legacyRotateTagIsClockwise() {
        assertThat(Rotation.fromRotateTag(90)).isEqualTo(90);
        assertThat(Rotation.fromRotateTag(270)).isEqualTo(270);
        assertThat(Rotation.fromRotateTag(-90)).isEqualTo(270);
        assertThat(Rotation.fromRotateTag(360)).isZero();
    }

    @Test
    void filtersTurnThePictureClockwise() {
        assertThat(Rotation.filter(0)).isEmpty();
        assertThat(Rotation.filter(90)).contains("transpose=clock");
        assertThat(Rotation.filter(180)).contains("hflip,vflip");
        assertThat(Rotation.filter(270)).contains("transpose=cclock");
        assertThatThrownBy(() -> Rotation.filter(45)).isInstanceOf(IllegalArgumentException.class);
    }
}
