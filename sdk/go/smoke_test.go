package acusight

// Against a running server: ACUSIGHT_URL, an admin's ACUSIGHT_TOKEN and an unused
// ACUSIGHT_PROVISIONING_TOKEN (tests/sdk/test_typescript_and_go.py starts one). Skipped without them.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func client(t *testing.T) (*APIClient, string, string) {
	url, token, provisioning := os.Getenv("ACUSIGHT_URL"), os.Getenv("ACUSIGHT_TOKEN"), os.Getenv("ACUSIGHT_PROVISIONING_TOKEN")
	if url == "" || token == "" || provisioning == "" {
		t.Skip("needs ACUSIGHT_URL, ACUSIGHT_TOKEN, ACUSIGHT_PROVISIONING_TOKEN")
	}
	cfg := NewConfiguration()
	cfg.Servers = ServerConfigurations{{URL: url}}
	return NewAPIClient(cfg), token, provisioning
}

func TestSmoke(t *testing.T) {
	api, token, provisioning := client(t)
	admin := context.WithValue(context.Background(), ContextAccessToken, token)
	run := strconv.FormatInt(time.Now().UnixNano(), 36)

	if _, _, err := api.DevicesAPI.ListDevices(admin).PerPage(100).Execute(); err != nil {
		t.Fatalf("list devices: %v", err)
	}
	project, _, err := api.ProjectsAPI.CreateProject(admin).ProjectCreate(ProjectCreate{Name: "go smoke " + run}).Execute()
	if err != nil {
		t.Fatalf("create project: %v", err)
	}

	provisioned, _, err := api.DevicesAPI.ProvisionDevice(context.Background()).
		DeviceProvision(DeviceProvision{Name: "cam-go", SerialNumber: "SDK-GO-" + run, Token: provisioning}).Execute()
	if err != nil {
		t.Fatalf("provision: %v", err)
	}
	deviceID := provisioned.Data.Device.GetId()
	update := DeviceUpdate{}
	update.SetProjectId(project.Data.GetId())
	if _, _, err := api.DevicesAPI.UpdateDevice(admin, deviceID).DeviceUpdate(update).Execute(); err != nil {
		t.Fatalf("move the device: %v", err)
	}

	device := context.WithValue(context.Background(), ContextAPIKeys, map[string]APIKey{
		"deviceKey": {Key: provisioned.Data.GetApiKey()},
	})
	var frame bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	for i, b := range []byte(run) { // bytes of this run's own: no other run stored them
		img.SetGray(i%4, i/4%4, color.Gray{Y: b})
	}
	if err := png.Encode(&frame, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "frame.png")
	if err := os.WriteFile(path, frame.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sum := sha256.Sum256(frame.Bytes())
	uploaded, _, err := api.DeviceAPI.UploadImage(device).File(file).Sha256(hex.EncodeToString(sum[:])).Execute()
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if uploaded.Data.GetSha256() != hex.EncodeToString(sum[:]) {
		t.Fatalf("uploaded %s", uploaded.Data.GetSha256())
	}

	page, _, err := api.ImagesAPI.ListImages(admin).DeviceId(deviceID).Execute()
	if err != nil || len(page.Data) != 1 || page.Data[0].GetId() != uploaded.Data.GetId() {
		t.Fatalf("list images: %v %+v", err, page)
	}

	_, response, err := api.DevicesAPI.GetDevice(admin, 999999).Execute()
	if err == nil || response.StatusCode != 404 {
		t.Fatalf("a missing device: %v", err)
	}
	envelope, ok := err.(*GenericOpenAPIError).Model().(ErrorEnvelope)
	if !ok || envelope.Error.GetCode() != "NOT_FOUND" {
		t.Fatalf("a missing device's error: %#v", err.(*GenericOpenAPIError).Model())
	}
}
